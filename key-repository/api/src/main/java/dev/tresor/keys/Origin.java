package dev.tresor.keys;

/** How a certificate or key came into a tenant's vault. */
public enum Origin {
    /** uploaded by an administrator */
    IMPORTED,
    /** taken from a validly signed incoming mail (S/MIME) or an Autocrypt header: trusted less than imported */
    HARVESTED,
    /** issued by Tresor itself */
    ISSUED
}
