-- Tresor key repository, schema version 3: TLS policies per recipient domain (RequireTls).
--
-- Same rules as version 1: every row names its tenant. domain is normalised (lower case, IDN as punycode, no
-- trailing dot); policy is the one-line form of dev.tresor.keys.TlsPolicy, validated before it is written and again
-- when read. Never edit this file once released.
CREATE TABLE tresor_tls_policies (
    tenant          VARCHAR(64)              NOT NULL,
    domain          VARCHAR(253)             NOT NULL,
    policy          VARCHAR                  NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT tresor_tls_policies_pk PRIMARY KEY (tenant, domain),
    CONSTRAINT tresor_tls_policies_tenant_fk FOREIGN KEY (tenant) REFERENCES tresor_tenants (tenant)
);
