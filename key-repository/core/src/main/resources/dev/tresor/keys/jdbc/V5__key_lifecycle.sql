-- Tresor key repository, schema version 5: tenant CAs, the register of the keys Tresor issued, CRLs, issuance locks.
--
-- Same rules as version 1: every row names its tenant and may only name an existing one. kind is the text of
-- dev.tresor.keys.lifecycle.KeyKind (smime, openpgp), status a dev.tresor.keys.KeyStatus name, reason_code the RFC 5280
-- CRL reason. Rows only: certificates and CRLs are DER, the CA's private key arrives sealed by the key protection layer.
-- Never edit this file once released.

-- chain: the CA's issuers' DER certificates, nearest first, each preceded by its length as a 4-byte big-endian integer
-- (as in tresor_certificates); empty for a root. settings: the text of dev.tresor.keys.lifecycle.CaSettings.
CREATE TABLE tresor_cas (
    tenant          VARCHAR(64)              NOT NULL,
    certificate     BYTEA                    NOT NULL,
    chain           BYTEA                    NOT NULL,
    protected_key   BYTEA                    NOT NULL,
    settings        VARCHAR                  NOT NULL,
    generated       BOOLEAN                  NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT tresor_cas_pk PRIMARY KEY (tenant),
    CONSTRAINT tresor_cas_tenant_fk FOREIGN KEY (tenant) REFERENCES tresor_tenants (tenant)
);

-- id: unique per tenant and kind (what the issuer chose, e.g. the serial number). renewed_by: the id of the key that
-- superseded this one.
CREATE TABLE tresor_issued_keys (
    tenant          VARCHAR(64)              NOT NULL,
    kind            VARCHAR(16)              NOT NULL,
    id              VARCHAR(128)             NOT NULL,
    address         VARCHAR                  NOT NULL,
    fingerprint     VARCHAR(128)             NOT NULL,
    issued_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    not_after       TIMESTAMP WITH TIME ZONE NOT NULL,
    status          VARCHAR(16)              NOT NULL,
    revoked_at      TIMESTAMP WITH TIME ZONE,
    reason_code     INTEGER,
    renewed_by      VARCHAR(128),
    CONSTRAINT tresor_issued_keys_pk PRIMARY KEY (tenant, kind, id),
    CONSTRAINT tresor_issued_keys_tenant_fk FOREIGN KEY (tenant) REFERENCES tresor_tenants (tenant)
);
CREATE INDEX tresor_issued_keys_address ON tresor_issued_keys (tenant, address);
-- The renewal run: active keys expiring soon.
CREATE INDEX tresor_issued_keys_expiry ON tresor_issued_keys (tenant, status, not_after);

-- The newest CRL of a tenant's CA; number only grows.
CREATE TABLE tresor_crls (
    tenant          VARCHAR(64)              NOT NULL,
    number          BIGINT                   NOT NULL,
    crl             BYTEA                    NOT NULL,
    this_update     TIMESTAMP WITH TIME ZONE NOT NULL,
    next_update     TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT tresor_crls_pk PRIMARY KEY (tenant),
    CONSTRAINT tresor_crls_tenant_fk FOREIGN KEY (tenant) REFERENCES tresor_tenants (tenant)
);

-- One row per (tenant, kind, address) ever issued to; the row is held FOR UPDATE while its key is being issued, so that nodes
-- sharing the database take turns. The rows carry no data.
CREATE TABLE tresor_issuance_locks (
    tenant          VARCHAR(64)              NOT NULL,
    kind            VARCHAR(16)              NOT NULL,
    address         VARCHAR                  NOT NULL,
    CONSTRAINT tresor_issuance_locks_pk PRIMARY KEY (tenant, kind, address),
    CONSTRAINT tresor_issuance_locks_tenant_fk FOREIGN KEY (tenant) REFERENCES tresor_tenants (tenant)
);
