package dev.tresor.smime;

/** What a signature verification does about certificate revocation. */
public enum RevocationPolicy {
    /**
     * CRLs are fetched from each certificate's CRL distribution points (http); when none can be fetched, the signature
     * stays valid and the verdict's reason says that revocation was not checked.
     */
    SOFT_FAIL,
    /**
     * Every certificate of the path needs a known status: one whose CRL cannot be fetched, or that names no http CRL
     * distribution point at all, makes the signature untrusted.
     */
    HARD_FAIL,
    /** Revocation is not checked at all. */
    OFF
}
