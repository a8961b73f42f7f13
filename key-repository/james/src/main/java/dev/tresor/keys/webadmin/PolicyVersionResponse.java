package dev.tresor.keys.webadmin;

import java.time.Instant;
import java.util.Map;

import dev.tresor.keys.policy.PolicySettings;
import dev.tresor.keys.policy.PolicyVersion;

/** One version of a scope's policy; {@code settings} is null for the version that removed the scope. */
public final class PolicyVersionResponse {
    private final PolicyVersion version;

    PolicyVersionResponse(PolicyVersion version) {
        this.version = version;
    }

    public int getVersion() {
        return version.version();
    }

    public Map<String, String> getSettings() {
        return version.settings().map(PolicySettings::toMap).orElse(null);
    }

    public Instant getChangedAt() {
        return version.time();
    }

    public String getChangedBy() {
        return version.changedBy();
    }
}
