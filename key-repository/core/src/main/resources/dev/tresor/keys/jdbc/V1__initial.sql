-- Tresor key repository, schema version 1.
--
-- One script for H2 2.x and PostgreSQL 15+: only the SQL both understand. Every row names its tenant, and every
-- reference between rows carries the tenant in its foreign key, so a row can never point into another tenant's vault.
-- Fingerprints are 64 lower-case hex digits, instants are kept to the microsecond, secrets arrive encrypted.
-- Never edit this file once released: the checksum of each applied script is verified at every start.

CREATE TABLE tresor_tenants (
    tenant          VARCHAR(64)              NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT tresor_tenants_pk PRIMARY KEY (tenant)
);

CREATE TABLE tresor_domains (
    domain          VARCHAR(255)             NOT NULL,
    tenant          VARCHAR(64)              NOT NULL,
    CONSTRAINT tresor_domains_pk PRIMARY KEY (domain),
    CONSTRAINT tresor_domains_tenant_fk FOREIGN KEY (tenant) REFERENCES tresor_tenants (tenant)
);
CREATE INDEX tresor_domains_tenant ON tresor_domains (tenant);

-- The grantee may read the grantor's public certificates.
CREATE TABLE tresor_grants (
    grantee         VARCHAR(64)              NOT NULL,
    grantor         VARCHAR(64)              NOT NULL,
    CONSTRAINT tresor_grants_pk PRIMARY KEY (grantee, grantor),
    CONSTRAINT tresor_grants_grantee_fk FOREIGN KEY (grantee) REFERENCES tresor_tenants (tenant),
    CONSTRAINT tresor_grants_grantor_fk FOREIGN KEY (grantor) REFERENCES tresor_tenants (tenant)
);
CREATE INDEX tresor_grants_grantor ON tresor_grants (grantor);

-- chain: the issuers' DER certificates, nearest first, each preceded by its length as a 4-byte big-endian integer.
CREATE TABLE tresor_certificates (
    tenant                  VARCHAR(64)              NOT NULL,
    fingerprint             VARCHAR(64)              NOT NULL,
    der                     BYTEA                    NOT NULL,
    chain                   BYTEA                    NOT NULL,
    issuer                  VARCHAR                  NOT NULL,
    serial_number           VARCHAR                  NOT NULL,
    subject_key_identifier  VARCHAR,
    not_before              TIMESTAMP WITH TIME ZONE NOT NULL,
    not_after               TIMESTAMP WITH TIME ZONE NOT NULL,
    can_encrypt             BOOLEAN                  NOT NULL,
    can_sign                BOOLEAN                  NOT NULL,
    origin                  VARCHAR(16)              NOT NULL,
    status                  VARCHAR(16)              NOT NULL,
    added_at                TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT tresor_certificates_pk PRIMARY KEY (tenant, fingerprint),
    CONSTRAINT tresor_certificates_tenant_fk FOREIGN KEY (tenant) REFERENCES tresor_tenants (tenant)
);
-- Serial numbers are nearly unique on their own; the issuer (long, unbounded) is compared on the few rows found.
CREATE INDEX tresor_certificates_serial ON tresor_certificates (tenant, serial_number);
CREATE INDEX tresor_certificates_ski ON tresor_certificates (tenant, subject_key_identifier);

-- The recipient lookup: address first, then the few tenants whose vaults are searched.
CREATE TABLE tresor_certificate_addresses (
    tenant          VARCHAR(64)              NOT NULL,
    fingerprint     VARCHAR(64)              NOT NULL,
    address         VARCHAR                  NOT NULL,
    CONSTRAINT tresor_certificate_addresses_pk PRIMARY KEY (tenant, fingerprint, address),
    CONSTRAINT tresor_certificate_addresses_certificate_fk FOREIGN KEY (tenant, fingerprint)
        REFERENCES tresor_certificates (tenant, fingerprint)
);
CREATE INDEX tresor_certificate_addresses_address ON tresor_certificate_addresses (address, tenant);

-- protected_blob: the private key as the key protection layer encrypted it; stored and returned byte for byte.
CREATE TABLE tresor_private_keys (
    tenant          VARCHAR(64)              NOT NULL,
    fingerprint     VARCHAR(64)              NOT NULL,
    protected_blob  BYTEA                    NOT NULL,
    CONSTRAINT tresor_private_keys_pk PRIMARY KEY (tenant, fingerprint),
    CONSTRAINT tresor_private_keys_certificate_fk FOREIGN KEY (tenant, fingerprint)
        REFERENCES tresor_certificates (tenant, fingerprint)
);

-- The key protection layer's tenant keys (dev.tresor.keys.protection.WrappedTenantKey), each wrapped by the master
-- key named in master_key_id. The primary key is what lets concurrent first uses agree on one version 1.
CREATE TABLE tresor_tenant_keys (
    tenant          VARCHAR(64)              NOT NULL,
    version         INTEGER                  NOT NULL,
    master_key_id   VARCHAR(200)             NOT NULL,
    wrapped         BYTEA                    NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT tresor_tenant_keys_pk PRIMARY KEY (tenant, version),
    CONSTRAINT tresor_tenant_keys_tenant_fk FOREIGN KEY (tenant) REFERENCES tresor_tenants (tenant)
);

CREATE TABLE tresor_trust_anchors (
    tenant          VARCHAR(64)              NOT NULL,
    fingerprint     VARCHAR(64)              NOT NULL,
    der             BYTEA                    NOT NULL,
    added_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT tresor_trust_anchors_pk PRIMARY KEY (tenant, fingerprint),
    CONSTRAINT tresor_trust_anchors_tenant_fk FOREIGN KEY (tenant) REFERENCES tresor_tenants (tenant)
);

CREATE TABLE tresor_pdf_passwords (
    tenant          VARCHAR(64)              NOT NULL,
    address         VARCHAR                  NOT NULL,
    protected_blob  BYTEA                    NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT tresor_pdf_passwords_pk PRIMARY KEY (tenant, address),
    CONSTRAINT tresor_pdf_passwords_tenant_fk FOREIGN KEY (tenant) REFERENCES tresor_tenants (tenant)
);

CREATE TABLE tresor_audit (
    id              BIGINT GENERATED ALWAYS AS IDENTITY,
    occurred_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    tenant          VARCHAR(64)              NOT NULL,
    operation       VARCHAR                  NOT NULL,
    key_fingerprint VARCHAR,
    counterpart     VARCHAR,
    message_id      VARCHAR,
    detail          VARCHAR,
    CONSTRAINT tresor_audit_pk PRIMARY KEY (id),
    CONSTRAINT tresor_audit_tenant_fk FOREIGN KEY (tenant) REFERENCES tresor_tenants (tenant)
);
CREATE INDEX tresor_audit_tenant_time ON tresor_audit (tenant, occurred_at, id);
