package dev.tresor.attributes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import dev.tresor.keys.TlsVersion;

class InboundTlsTest {

    @Test
    void attributeShouldRoundTripThroughAMail() throws Exception {
        InboundTls tls = InboundTls.of(TlsVersion.TLS_1_3, "TLS_AES_256_GCM_SHA384");
        FakeMail mail = FakeMail.builder().name("mail").attribute(tls.asAttribute()).build();

        assertThat(InboundTls.of(mail)).contains(tls);
    }

    @Test
    void attributeShouldSurviveJsonSerialisationAsMailQueuesDo() throws Exception {
        Attribute attribute = InboundTls.of(TlsVersion.TLS_1_2, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384").asAttribute();

        AttributeValue<?> restored = AttributeValue.fromJson(attribute.getValue().toJson().orElseThrow());
        FakeMail mail = FakeMail.builder().name("mail")
            .attribute(new Attribute(InboundTls.NAME, restored))
            .build();

        assertThat(InboundTls.of(mail)).contains(InboundTls.of(TlsVersion.TLS_1_2, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"));
    }

    @Test
    void mailWithoutTheAttributeWasNotReceivedOverTls() throws Exception {
        FakeMail mail = FakeMail.builder().name("mail").build();

        assertThat(InboundTls.of(mail)).isEmpty();
    }

    @Test
    void aValueOfAnotherShapeShouldNotCountAsTls() throws Exception {
        FakeMail mail = FakeMail.builder().name("mail")
            .attribute(new Attribute(InboundTls.NAME, AttributeValue.of("TLSv1.3")))
            .build();

        assertThat(InboundTls.of(mail)).isEmpty();
    }

    @Test
    void aProtocolThatIsNoTlsVersionShouldBeKeptByNameAndMeetNoMinimum() throws Exception {
        Attribute recorded = new Attribute(InboundTls.NAME, AttributeValue.of(Map.of(
            "protocol", AttributeValue.of("SSLv3"), "cipher", AttributeValue.of("SSL_RSA_WITH_RC4_128_SHA"))));
        FakeMail mail = FakeMail.builder().name("mail").attribute(recorded).build();

        InboundTls tls = InboundTls.of(mail).orElseThrow();
        assertThat(tls.protocol()).isEqualTo("SSLv3");
        assertThat(tls.isAtLeast(TlsVersion.TLS_1_0)).isFalse();
        assertThat(tls.asAttribute()).isEqualTo(recorded);
    }

    @Test
    void aKnownVersionShouldBeRecordedByItsJsseName() throws Exception {
        Attribute recorded = new Attribute(InboundTls.NAME, AttributeValue.of(Map.of(
            "protocol", AttributeValue.of("tlsv1.3"), "cipher", AttributeValue.of("TLS_AES_256_GCM_SHA384"))));
        FakeMail mail = FakeMail.builder().name("mail").attribute(recorded).build();

        InboundTls tls = InboundTls.of(mail).orElseThrow();
        assertThat(tls).isEqualTo(InboundTls.of(TlsVersion.TLS_1_3, "TLS_AES_256_GCM_SHA384"));
        assertThat(tls.isAtLeast(TlsVersion.TLS_1_3)).isTrue();
    }
}
