package dev.tresor.tls;

import java.net.InetAddress;
import java.util.List;

/** Where a domain's mail goes: its MX hosts in preference order, and their addresses. */
public interface MxResolver {

    /** A lookup that may succeed later (a DNS timeout, SERVFAIL): the delivery is retried, not bounced. */
    final class TemporaryLookupException extends Exception {
        private static final long serialVersionUID = 1L;

        public TemporaryLookupException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The MX hosts, most preferred first; the domain itself when it has no MX (RFC 5321 implicit MX); empty when it does not exist. */
    List<String> mxHosts(String domain) throws TemporaryLookupException;

    /** The host's addresses; empty when it has none. */
    List<InetAddress> addresses(String host);
}
