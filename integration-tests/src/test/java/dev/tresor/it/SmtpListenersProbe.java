package dev.tresor.it;

import java.net.InetSocketAddress;
import java.util.function.Predicate;

import javax.inject.Inject;

import org.apache.james.protocols.lib.netty.AbstractConfigurableAsyncServer;
import org.apache.james.smtpserver.netty.SMTPServer;
import org.apache.james.smtpserver.netty.SMTPServer.AuthenticationAnnounceMode;
import org.apache.james.smtpserver.netty.SMTPServerFactory;
import org.apache.james.utils.GuiceProbe;

/**
 * The ports of the three SMTP listeners of the sample {@code smtpserver.xml}, told apart by what they are rather than
 * by their order: MX (STARTTLS, no AUTH announced), submission (STARTTLS, AUTH always), submissions (implicit TLS).
 */
public class SmtpListenersProbe implements GuiceProbe {
    private final SMTPServerFactory smtpServers;

    @Inject
    SmtpListenersProbe(SMTPServerFactory smtpServers) {
        this.smtpServers = smtpServers;
    }

    public int mx() {
        return port(server -> server.getStartTLSSupported()
            && ((SMTPServer) server).getAuthRequired() == AuthenticationAnnounceMode.NEVER);
    }

    public int submission() {
        return port(server -> server.getStartTLSSupported()
            && ((SMTPServer) server).getAuthRequired() == AuthenticationAnnounceMode.ALWAYS);
    }

    public int submissions() {
        return port(server -> server.getSocketType().equals("secure"));
    }

    private int port(Predicate<AbstractConfigurableAsyncServer> listener) {
        return smtpServers.getServers().stream()
            .filter(listener)
            .flatMap(server -> server.getListenAddresses().stream())
            .map(InetSocketAddress::getPort)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("No such SMTP listener in smtpserver.xml"));
    }
}
