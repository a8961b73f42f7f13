package dev.tresor.attributes;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

/**
 * {@value #ATTRIBUTE}: which kind of password PdfWrap locked the PDF with, {@value #PRE_SHARED} (agreed between the
 * sender's tenant and the recipient) or {@value #GENERATED} (mailed to the sender) — never the password itself.
 * Written by PdfWrap; read by admins.
 */
public final class PdfPassword {
    public static final String ATTRIBUTE = "tresor.pdf.password";
    public static final AttributeName NAME = AttributeName.of(ATTRIBUTE);
    public static final String PRE_SHARED = "pre-shared";
    public static final String GENERATED = "generated";

    private PdfPassword() {
    }

    public static void set(Mail mail, boolean preShared) {
        mail.setAttribute(new Attribute(NAME, AttributeValue.of(preShared ? PRE_SHARED : GENERATED)));
    }
}
