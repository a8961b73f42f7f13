package dev.tresor.smime;

/** What a signature verification does about certificate revocation. */
public enum RevocationPolicy {
    /**
     * CRLs are fetched from each certificate's CRL distribution points (http); when none can be fetched, the signature
     * stays valid and the verdict's reason says that revocation was not checked.
     */
    SOFT_FAIL,
    /** As {@link #SOFT_FAIL}, but a certificate whose CRL cannot be fetched is untrusted. */
    HARD_FAIL,
    /** Revocation is not checked at all. */
    OFF
}
