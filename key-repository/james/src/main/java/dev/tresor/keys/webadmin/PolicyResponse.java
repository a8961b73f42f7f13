package dev.tresor.keys.webadmin;

import java.util.Map;

import dev.tresor.keys.policy.PolicyScope;
import dev.tresor.keys.policy.PolicySettings;

/** One scope of a tenant's policies: {@code {"scope": "partner:bank.example", "settings": {"encryption": ...}}}. */
public final class PolicyResponse {
    private final PolicyScope scope;
    private final PolicySettings settings;

    PolicyResponse(PolicyScope scope, PolicySettings settings) {
        this.scope = scope;
        this.settings = settings;
    }

    public String getScope() {
        return scope.asString();
    }

    /** The set fields in canonical text, in the order PolicySettings writes them. */
    public Map<String, String> getSettings() {
        return settings.toMap();
    }
}
