package dev.tresor.matchers;

import java.util.Collection;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

import com.google.common.base.Strings;
import com.google.common.collect.ImmutableList;

import dev.tresor.attributes.InboundTls;
import dev.tresor.keys.TlsVersion;

/**
 * Matches every recipient of a mail that reached this server over TLS, as recorded by
 * {@link dev.tresor.smtp.RecordInboundTlsHook} in the {@value InboundTls#ATTRIBUTE} attribute. Mail received in clear
 * text, and mail created inside James (bounces, forwards), does not match.
 *
 * <p>An optional condition sets the lowest acceptable protocol: {@code TLSv1.2} or {@code TLSv1.3}.
 * <pre>{@code
 * <mailet match="dev.tresor.matchers.ReceivedOverTls" class="dev.tresor.mailets.MarkInboundTls"/>
 *
 * <!-- only TLS 1.3 or newer counts -->
 * <mailet match="dev.tresor.matchers.ReceivedOverTls=TLSv1.3" class="ToProcessor">
 *     <processor>strong-tls</processor>
 * </mailet>
 * }</pre>
 */
public class ReceivedOverTls extends GenericMatcher {
    private Optional<TlsVersion> minimumProtocol = Optional.empty();

    @Override
    public void init() throws MessagingException {
        minimumProtocol = parseMinimumProtocol(getCondition());
    }

    private static Optional<TlsVersion> parseMinimumProtocol(String condition) throws MessagingException {
        if (Strings.isNullOrEmpty(condition) || condition.isBlank()) {
            return Optional.empty();
        }
        Optional<TlsVersion> protocol = TlsVersion.parseRequirable(condition);
        if (protocol.isEmpty()) {
            throw new MessagingException("ReceivedOverTls: unsupported minimum protocol '" + condition
                + "'; allowed values are TLSv1.2 and TLSv1.3, or no condition for any TLS version");
        }
        return protocol;
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        if (receivedOverAcceptableTls(mail)) {
            return mail.getRecipients();
        }
        return ImmutableList.of();
    }

    private boolean receivedOverAcceptableTls(Mail mail) {
        return InboundTls.of(mail)
            .map(tls -> minimumProtocol.map(tls::isAtLeast).orElse(true))
            .orElse(false);
    }

    @Override
    public String getMatcherInfo() {
        return "Matches mail received over TLS, optionally of a minimum protocol version";
    }
}
