package dev.tresor.attributes;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import javax.mail.Header;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

/**
 * {@value #ATTRIBUTE}: the protections Tresor applied to a mail on its way out, a list in the order applied, of
 * {@value #SMIME_SIGNED}, {@value #SMIME_ENCRYPTED}, {@value #PGP_SIGNED}, {@value #PGP_ENCRYPTED} and {@value #PDF}.
 * Written by SignSmime, EncryptSmime, SignPgp, EncryptPgp and PdfWrap; read by each of them (one protection per
 * recipient: after an encryption, no other mechanism wraps the mail again) and shown by the {@code tresor-process} CLI.
 *
 * <p>The header {@value #HEADER}{@code : pdf} marks the mail PdfWrap composed, so that an admin (and the recipient)
 * can tell it from others; it is stripped at ingress like every {@link TresorHeaders} header.
 */
public final class AppliedProtections {
    public static final String ATTRIBUTE = "tresor.protection.applied";
    public static final AttributeName NAME = AttributeName.of(ATTRIBUTE);
    public static final String HEADER = "X-Tresor-Protection";

    public static final String SMIME_SIGNED = "smime-signed";
    public static final String SMIME_ENCRYPTED = "smime-encrypted";
    public static final String PGP_SIGNED = "pgp-signed";
    public static final String PGP_ENCRYPTED = "pgp-encrypted";
    public static final String PDF = "pdf";
    /** The protections that encrypt a mail for its recipients. */
    private static final Set<String> ENCRYPTIONS = Set.of(SMIME_ENCRYPTED, PGP_ENCRYPTED, PDF);

    private AppliedProtections() {
    }

    /** The protections applied so far, in order; empty when none was (or the value is not the list this class writes). */
    public static List<String> of(Mail mail) {
        List<String> applied = new ArrayList<>();
        mail.getAttribute(NAME)
            .flatMap(attribute -> attribute.getValue().valueAs(List.class))
            .ifPresent(values -> {
                for (Object value : (List<?>) values) {
                    if (value instanceof AttributeValue) {
                        applied.add(String.valueOf(((AttributeValue<?>) value).value()));
                    }
                }
            });
        return applied;
    }

    /** Whether a protection applied so far encrypted the mail (S/MIME, OpenPGP or PDF). */
    public static boolean includeEncryption(Mail mail) {
        return of(mail).stream().anyMatch(ENCRYPTIONS::contains);
    }

    /** Appends the protections to the list, in the order given. */
    public static void add(Mail mail, String... protections) {
        List<AttributeValue<?>> applied = new ArrayList<>();
        of(mail).forEach(protection -> applied.add(AttributeValue.of(protection)));
        for (String protection : protections) {
            applied.add(AttributeValue.of(protection));
        }
        mail.setAttribute(new Attribute(NAME, AttributeValue.of(applied)));
    }

    /** The header that marks the message PdfWrap composed. */
    public static Header pdfHeader() {
        return new Header(HEADER, PDF);
    }
}
