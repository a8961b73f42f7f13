package dev.tresor.tls;

import java.util.Optional;

/** Where RFC 8461 MTA-STS policies come from: a recipient domain's published policy, if it has one. */
public interface MtaStsSource {

    /**
     * @return empty when the domain publishes no policy (no {@code _mta-sts} TXT record)
     * @throws MtaStsException when it announces one that cannot be fetched or read: the caller must not treat that
     *     as "no policy" while a cached one is still valid
     */
    Optional<MtaStsPolicy> policy(String domain) throws MtaStsException;

    /** An announced policy that could not be fetched or parsed. */
    final class MtaStsException extends Exception {
        private static final long serialVersionUID = 1L;

        public MtaStsException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
