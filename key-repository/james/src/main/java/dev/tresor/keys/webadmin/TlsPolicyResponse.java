package dev.tresor.keys.webadmin;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.tresor.keys.TlsPolicy;
import dev.tresor.keys.TlsVersion;

/** A TLS policy as WebAdmin returns it: its parts, and its one-line form for mailetcontainer.xml. */
public final class TlsPolicyResponse {
    private final String domain;
    private final TlsPolicy policy;

    TlsPolicyResponse(String domain, TlsPolicy policy) {
        this.domain = domain;
        this.policy = policy;
    }

    public String getDomain() {
        return domain;
    }

    public String getLevel() {
        return policy.level().asString();
    }

    public Optional<String> getMinimumVersion() {
        return policy.minimumVersion().map(TlsVersion::asString);
    }

    public List<String> getNames() {
        return policy.names();
    }

    public List<String> getPins() {
        return policy.pins().stream().map(TlsPolicy.Pin::asString).collect(Collectors.toList());
    }

    public String getPolicy() {
        return policy.asString();
    }
}
