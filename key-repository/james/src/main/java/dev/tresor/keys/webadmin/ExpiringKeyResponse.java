package dev.tresor.keys.webadmin;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.lifecycle.ExpiringKey;

/** An active certificate or OpenPGP key of a tenant's vault that expires soon. */
public final class ExpiringKeyResponse {
    private final ExpiringKey key;

    ExpiringKeyResponse(ExpiringKey key) {
        this.key = key;
    }

    public String getKind() {
        return key.kind().asString();
    }

    public String getFingerprint() {
        return key.fingerprint();
    }

    public List<String> getAddresses() {
        return key.addresses().stream().map(EmailAddress::asString).sorted().collect(Collectors.toUnmodifiableList());
    }

    /** imported, harvested or issued: an issued key is renewed by Tresor, the others by an admin. */
    public String getOrigin() {
        return key.origin().name().toLowerCase(Locale.ROOT);
    }

    /** The tenant holds its private key: one of its own users' keys, not a partner's. */
    public boolean isOwnKey() {
        return key.ownKey();
    }

    public Instant getNotAfter() {
        return key.notAfter();
    }
}
