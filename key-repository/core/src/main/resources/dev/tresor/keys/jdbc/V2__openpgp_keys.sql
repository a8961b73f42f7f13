-- Tresor key repository, schema version 2: OpenPGP keys.
--
-- Same rules as version 1: every row names its tenant, every reference carries the tenant in its foreign key.
-- Fingerprints are the primary key's, upper-case hex (40 digits for v4 keys, 64 for v6); key ids are the 64-bit
-- OpenPGP key ids as signed integers. Never edit this file once released.

-- key_ring: the public key ring in binary OpenPGP packets.
CREATE TABLE tresor_pgp_keys (
    tenant          VARCHAR(64)              NOT NULL,
    fingerprint     VARCHAR(64)              NOT NULL,
    key_ring        BYTEA                    NOT NULL,
    origin          VARCHAR(16)              NOT NULL,
    status          VARCHAR(16)              NOT NULL,
    added_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT tresor_pgp_keys_pk PRIMARY KEY (tenant, fingerprint),
    CONSTRAINT tresor_pgp_keys_tenant_fk FOREIGN KEY (tenant) REFERENCES tresor_tenants (tenant)
);

-- The recipient lookup: address first, then the few tenants whose vaults are searched.
CREATE TABLE tresor_pgp_key_addresses (
    tenant          VARCHAR(64)              NOT NULL,
    fingerprint     VARCHAR(64)              NOT NULL,
    address         VARCHAR                  NOT NULL,
    CONSTRAINT tresor_pgp_key_addresses_pk PRIMARY KEY (tenant, fingerprint, address),
    CONSTRAINT tresor_pgp_key_addresses_key_fk FOREIGN KEY (tenant, fingerprint)
        REFERENCES tresor_pgp_keys (tenant, fingerprint)
);
CREATE INDEX tresor_pgp_key_addresses_address ON tresor_pgp_key_addresses (address, tenant);

-- The decryption lookup: an encrypted message names the key id of the (sub)key it was encrypted to.
CREATE TABLE tresor_pgp_key_ids (
    tenant          VARCHAR(64)              NOT NULL,
    key_id          BIGINT                   NOT NULL,
    fingerprint     VARCHAR(64)              NOT NULL,
    CONSTRAINT tresor_pgp_key_ids_pk PRIMARY KEY (tenant, fingerprint, key_id),
    CONSTRAINT tresor_pgp_key_ids_key_fk FOREIGN KEY (tenant, fingerprint)
        REFERENCES tresor_pgp_keys (tenant, fingerprint)
);
CREATE INDEX tresor_pgp_key_ids_key_id ON tresor_pgp_key_ids (tenant, key_id);

-- protected_blob: the secret key ring as the key protection layer encrypted it; stored and returned byte for byte.
CREATE TABLE tresor_pgp_secret_keys (
    tenant          VARCHAR(64)              NOT NULL,
    fingerprint     VARCHAR(64)              NOT NULL,
    protected_blob  BYTEA                    NOT NULL,
    CONSTRAINT tresor_pgp_secret_keys_pk PRIMARY KEY (tenant, fingerprint),
    CONSTRAINT tresor_pgp_secret_keys_key_fk FOREIGN KEY (tenant, fingerprint)
        REFERENCES tresor_pgp_keys (tenant, fingerprint)
);
