package dev.tresor.attributes;

import java.util.Optional;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import dev.tresor.keys.TenantId;

/**
 * {@value #ATTRIBUTE}: the tenant whose vault a mailet used, as the tenant id's text. Written by every mailet that
 * signed, encrypted, wrapped or decrypted the mail (SignSmime, EncryptSmime, SignPgp, EncryptPgp, PdfWrap,
 * DecryptSmime, DecryptPgp); read by admins (the {@code tresor-process} CLI, mail repositories).
 */
public final class TenantAttribute {
    public static final String ATTRIBUTE = "tresor.tenant";
    public static final AttributeName NAME = AttributeName.of(ATTRIBUTE);

    private TenantAttribute() {
    }

    public static void set(Mail mail, TenantId tenant) {
        mail.setAttribute(new Attribute(NAME, AttributeValue.of(tenant.asString())));
    }

    public static Optional<String> of(Mail mail) {
        return mail.getAttribute(NAME).flatMap(attribute -> attribute.getValue().valueAs(String.class));
    }
}
