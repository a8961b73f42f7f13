package dev.tresor.keys.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CaUrlsTest {
    private static final String HTTP = "http://pki.acme.example/x";

    @Test
    void absoluteHttpUrlsShouldBeKept() {
        CaUrls urls = new CaUrls("http://pki.acme.example/ca.crl", "HTTP://pki.acme.example:8080/ocsp",
            "http://pki.acme.example/ca.crt");

        assertThat(urls.crlUrl()).isEqualTo("http://pki.acme.example/ca.crl");
        assertThat(urls.ocspUrl()).isEqualTo("HTTP://pki.acme.example:8080/ocsp");
        assertThat(urls.caIssuersUrl()).isEqualTo("http://pki.acme.example/ca.crt");
    }

    @Test
    void anotherSchemeShouldBeRefusedNamingTheField() {
        assertThatThrownBy(() -> new CaUrls("ldap://pki.acme.example/cn=CA", HTTP, HTTP))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("crlUrl must be an absolute http:// URL, but 'ldap://pki.acme.example/cn=CA' is not");
        assertThatThrownBy(() -> new CaUrls(HTTP, "https://pki.acme.example/ocsp", HTTP))
            .hasMessageStartingWith("ocspUrl must be an absolute http:// URL");
        assertThatThrownBy(() -> new CaUrls(HTTP, HTTP, "/ca.crt"))
            .hasMessageStartingWith("caIssuersUrl must be an absolute http:// URL");
    }

    @Test
    void aUrlWithoutHostOrWithSpacesShouldBeRefused() {
        assertThatThrownBy(() -> new CaUrls("http:///ca.crl", HTTP, HTTP)).hasMessageContaining("it names no host");
        assertThatThrownBy(() -> new CaUrls("http://pki.acme.example/a b", HTTP, HTTP))
            .hasMessageContaining("it is not a valid URL");
    }
}
