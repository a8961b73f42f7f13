-- Tresor key repository, schema version 4: policies (what must happen to which mail), with their history.
--
-- Same rules as version 1: every row names its tenant. Append-only: a change is a new version of its scope, a removal
-- a version whose settings are NULL; the current settings of a scope are its highest version's. scope is the one-word
-- form of dev.tresor.keys.policy.PolicyScope (default, partner:<domain|*.domain|address>, sender:<domain|address>),
-- settings the field=value lines of dev.tresor.keys.policy.PolicySettings, validated before they are written and again
-- when read. Never edit this file once released.
CREATE TABLE tresor_policies (
    tenant          VARCHAR(64)              NOT NULL,
    scope           VARCHAR(400)             NOT NULL,
    version         INTEGER                  NOT NULL,
    settings        VARCHAR,
    changed_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    changed_by      VARCHAR(256)             NOT NULL,
    CONSTRAINT tresor_policies_pk PRIMARY KEY (tenant, scope, version),
    CONSTRAINT tresor_policies_tenant_fk FOREIGN KEY (tenant) REFERENCES tresor_tenants (tenant)
);
