package dev.tresor.pdf;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.TenantId;

/**
 * An optional second channel for generated PDF passwords: PdfWrap hands each generated password to the gateway in
 * addition to the sender's notification mail. Implementations look up the recipient's phone number and send it; they
 * must never write the password to a log. Named in PdfWrap's {@code smsGateway} parameter by class name (public, with
 * a public no-argument constructor).
 */
public interface SmsGateway {
    /**
     * @throws RuntimeException when the password could not be handed over; PdfWrap then logs it and carries on, since
     *     the sender has the password by mail
     */
    void sendPassword(TenantId tenant, EmailAddress sender, EmailAddress recipient, char[] password);
}
