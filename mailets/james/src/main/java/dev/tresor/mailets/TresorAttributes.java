package dev.tresor.mailets;

import org.apache.mailet.AttributeName;

/**
 * The mail attributes Tresor's mailets and matchers set and read: the contract between the steps of a chain
 * (DESIGN.md, "Mail attributes and headers"). Only Tresor sets them; nothing from outside can, since attributes never
 * travel with a mail over SMTP.
 */
public final class TresorAttributes {
    /** The tenant whose vault a mailet used, as text. */
    public static final AttributeName TENANT = AttributeName.of("tresor.tenant");
    /** Why a mail went to the failure processor: a sentence for the admin. */
    public static final AttributeName FAILURE_REASON = AttributeName.of("tresor.failure.reason");
    /** Which protection was applied on the way out, a list of {@code smime-signed}, {@code smime-encrypted}, ... */
    public static final AttributeName PROTECTION_APPLIED = AttributeName.of("tresor.protection.applied");
    /** The S/MIME signature verdict, a map: status, signer, reason (see VerifySmime). */
    public static final AttributeName SMIME_SIGNATURE = AttributeName.of("tresor.smime.signature");
    /** Set by HarvestCertificates on the copy of a mail whose untrusted signer awaits an admin: {@code pending-approval}. */
    public static final AttributeName SMIME_HARVEST = AttributeName.of("tresor.smime.harvest");
    /** What DecryptSmime did: {@code decrypted}, or why not. */
    public static final AttributeName SMIME_DECRYPTION = AttributeName.of("tresor.smime.decryption");
    /** Which password PdfWrap locked the PDF with: {@code pre-shared} or {@code generated} (never the password). */
    public static final AttributeName PDF_PASSWORD = AttributeName.of("tresor.pdf.password");

    /** The OpenPGP signature verdict, a map: status, signer (fingerprint), user id, reason (see VerifyPgp). */
    public static final AttributeName PGP_SIGNATURE = AttributeName.of("tresor.pgp.signature");
    /** What DecryptPgp did: {@code decrypted}, or why not. */
    public static final AttributeName PGP_DECRYPTION = AttributeName.of("tresor.pgp.decryption");
    /** Set by Autocrypt on mail whose Autocrypt header it stored: the key's fingerprint, or why it did not. */
    public static final AttributeName PGP_AUTOCRYPT = AttributeName.of("tresor.pgp.autocrypt");

    private TresorAttributes() {
    }
}
