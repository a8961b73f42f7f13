package dev.tresor.attributes;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

/**
 * {@value #ATTRIBUTE}: {@value #PENDING_APPROVAL} on the copy HarvestCertificates sends to its quarantine processor
 * when a signer is untrusted, so that an admin sees why the mail is there. Written by HarvestCertificates; read by
 * admins.
 */
public final class CertificateHarvest {
    public static final String ATTRIBUTE = "tresor.smime.harvest";
    public static final AttributeName NAME = AttributeName.of(ATTRIBUTE);
    public static final String PENDING_APPROVAL = "pending-approval";

    private CertificateHarvest() {
    }

    public static void markPendingApproval(Mail mail) {
        mail.setAttribute(new Attribute(NAME, AttributeValue.of(PENDING_APPROVAL)));
    }
}
