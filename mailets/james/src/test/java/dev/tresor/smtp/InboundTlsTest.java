package dev.tresor.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import dev.tresor.smtp.InboundTls.TlsProtocol;

class InboundTlsTest {

    @Test
    void attributeShouldRoundTripThroughAMail() throws Exception {
        InboundTls tls = InboundTls.of(TlsProtocol.TLS_1_3, "TLS_AES_256_GCM_SHA384");
        FakeMail mail = FakeMail.builder().name("mail").attribute(tls.asAttribute()).build();

        assertThat(InboundTls.of(mail)).contains(tls);
    }

    @Test
    void attributeShouldSurviveJsonSerialisationAsMailQueuesDo() throws Exception {
        Attribute attribute = InboundTls.of(TlsProtocol.TLS_1_2, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384").asAttribute();

        AttributeValue<?> restored = AttributeValue.fromJson(attribute.getValue().toJson().orElseThrow());
        FakeMail mail = FakeMail.builder().name("mail")
            .attribute(new Attribute(InboundTls.ATTRIBUTE_NAME, restored))
            .build();

        assertThat(InboundTls.of(mail)).contains(InboundTls.of(TlsProtocol.TLS_1_2, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"));
    }

    @Test
    void mailWithoutTheAttributeWasNotReceivedOverTls() throws Exception {
        FakeMail mail = FakeMail.builder().name("mail").build();

        assertThat(InboundTls.of(mail)).isEmpty();
    }

    @Test
    void aValueOfAnotherShapeShouldNotCountAsTls() throws Exception {
        FakeMail mail = FakeMail.builder().name("mail")
            .attribute(new Attribute(InboundTls.ATTRIBUTE_NAME, AttributeValue.of("TLSv1.3")))
            .build();

        assertThat(InboundTls.of(mail)).isEmpty();
    }

    @Test
    void protocolsShouldOrderByVersionAndUnknownOnesLowest() {
        assertThat(TlsProtocol.TLS_1_3.isAtLeast(TlsProtocol.TLS_1_2)).isTrue();
        assertThat(TlsProtocol.TLS_1_2.isAtLeast(TlsProtocol.TLS_1_3)).isFalse();
        assertThat(TlsProtocol.parse("TLSv1.1").isAtLeast(TlsProtocol.TLS_1_2)).isFalse();
        assertThat(TlsProtocol.parse("SSLv3").isAtLeast(TlsProtocol.parse("TLSv1"))).isFalse();
        assertThat(TlsProtocol.parse("tlsv1.3")).isEqualTo(TlsProtocol.TLS_1_3);
    }

    @Test
    void onlyModernVersionsCanBeRequired() {
        assertThat(TlsProtocol.parseRequirable("TLSv1.2")).contains(TlsProtocol.TLS_1_2);
        assertThat(TlsProtocol.parseRequirable(" TLSv1.3 ")).contains(TlsProtocol.TLS_1_3);
        assertThat(TlsProtocol.parseRequirable("TLSv1.1")).isEmpty();
        assertThat(TlsProtocol.parseRequirable("SSLv3")).isEmpty();
    }
}
