package dev.tresor.smtp;

import java.util.List;
import java.util.Locale;

import org.apache.james.protocols.api.ProtocolSession.AttachmentKey;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.esmtp.EhloExtension;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MailParametersHook;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tresor.attributes.RequireTlsOption;

/**
 * RFC 8689 REQUIRETLS on James's SMTP server: advertises {@code REQUIRETLS} in the EHLO reply of TLS sessions only,
 * accepts {@code MAIL FROM:<...> REQUIRETLS} on them, and marks the mail with {@value RequireTlsOption#ATTRIBUTE} so
 * that RequireTls relays it only over verified TLS to a next hop that supports REQUIRETLS too, or bounces it.
 *
 * <p>On a clear-text session the option is refused with {@code 530 5.7.10} (encryption needed, RFC 5248): the
 * sender asked for a guarantee this connection already broke. A value ({@code REQUIRETLS=yes}) is a syntax error,
 * {@code 555 5.5.4}. Without this hook James ignores unknown MAIL parameters, so REQUIRETLS would be silently dropped.
 *
 * <pre>{@code
 * <handlerchain>
 *     <handler class="dev.tresor.smtp.RecordInboundTlsHook"/>
 *     <handler class="dev.tresor.smtp.RequireTlsHook"/>
 *     <handler class="org.apache.james.smtpserver.CoreCmdHandlerLoader"/>
 * </handlerchain>
 * }</pre>
 */
public class RequireTlsHook implements EhloExtension, MailParametersHook, JamesMessageHook {
    public static final String KEYWORD = "REQUIRETLS";
    private static final AttachmentKey<Boolean> REQUESTED = AttachmentKey.of("tresor.requiretls", Boolean.class);
    private static final Logger LOGGER = LoggerFactory.getLogger(RequireTlsHook.class);

    @Override
    public List<String> getImplementedEsmtpFeatures(SMTPSession session) {
        return session.isTLSStarted() ? List.of(KEYWORD) : List.of();
    }

    @Override
    public String[] getMailParamNames() {
        return new String[] {KEYWORD};
    }

    @Override
    public HookResult doMailParameter(SMTPSession session, String paramName, String paramValue) {
        if (!KEYWORD.equals(paramName.toUpperCase(Locale.ROOT))) {
            return HookResult.DECLINED;
        }
        if (paramValue != null && !paramValue.isEmpty()) {
            return refuse("555", "5.5.4 REQUIRETLS takes no value");
        }
        if (!session.isTLSStarted()) {
            LOGGER.info("REQUIRETLS refused on clear-text SMTP session {}", session.getSessionID());
            return refuse("530", "5.7.10 REQUIRETLS needs a TLS session: issue STARTTLS first");
        }
        session.setAttachment(REQUESTED, Boolean.TRUE, State.Transaction);
        return HookResult.DECLINED;
    }

    private static HookResult refuse(String code, String description) {
        return HookResult.builder()
            .hookReturnCode(HookReturnCode.deny())
            .smtpReturnCode(code)
            .smtpDescription(description)
            .build();
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        if (session.getAttachment(REQUESTED, State.Transaction).orElse(false)) {
            mail.setAttribute(RequireTlsOption.PRESENT);
            LOGGER.debug("Mail {} carries REQUIRETLS (SMTP session {})", mail.getName(), session.getSessionID());
        }
        return HookResult.DECLINED;
    }
}
