package dev.tresor.smtp;

import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tresor.attributes.InboundTls;

/**
 * Records on every mail received over TLS (STARTTLS or implicit TLS) the negotiated protocol and cipher suite, as
 * the mail attribute {@value InboundTls#ATTRIBUTE}. Mail received in clear text gets no attribute. It never refuses a
 * mail: deciding what clear-text mail may do is the job of matchers such as {@code ReceivedOverTls}.
 *
 * <p>Add it to each SMTP server's handler chain in {@code smtpserver.xml}:
 * <pre>{@code
 * <handlerchain>
 *     <handler class="dev.tresor.smtp.RecordInboundTlsHook"/>
 *     <handler class="org.apache.james.smtpserver.CoreCmdHandlerLoader"/>
 * </handlerchain>
 * }</pre>
 */
public class RecordInboundTlsHook implements JamesMessageHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(RecordInboundTlsHook.class);

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        if (session.isTLSStarted()) {
            session.getSSLSession()
                .map(InboundTls::of)
                .ifPresent(tls -> recordOn(mail, tls, session));
        }
        return HookResult.DECLINED;
    }

    private void recordOn(Mail mail, InboundTls tls, SMTPSession session) {
        mail.setAttribute(tls.asAttribute());
        LOGGER.debug("Mail {} received over {} in SMTP session {}", mail.getName(), tls, session.getSessionID());
    }
}
