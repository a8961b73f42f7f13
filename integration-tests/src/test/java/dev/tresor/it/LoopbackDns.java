package dev.tresor.it;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.james.dnsservice.api.DNSService;

import com.google.common.net.InetAddresses;

/**
 * DNS for tests that never leaves the machine: IP literals are parsed, the listed names resolve to 127.0.0.1 (or to
 * the loopback address given for them) and are their own MX, every other name does not exist. James's authorizedAddresses (127.0.0.0/8) need the literals.
 */
final class LoopbackDns implements DNSService {
    private static final InetAddress LOOPBACK = InetAddresses.forString("127.0.0.1");

    private final Set<String> names;
    private final Map<String, InetAddress> otherAddresses;

    LoopbackDns(String... names) {
        this(Map.of(), names);
    }

    /** @param otherAddresses names that resolve to another loopback address than 127.0.0.1 (and are their own MX) */
    LoopbackDns(Map<String, String> otherAddresses, String... names) {
        this.names = Set.of(names);
        this.otherAddresses = otherAddresses.entrySet().stream()
            .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, entry -> InetAddresses.forString(entry.getValue())));
    }

    @Override
    public Collection<String> findMXRecords(String hostname) {
        return names.contains(hostname) || otherAddresses.containsKey(hostname) ? List.of(hostname) : List.of();
    }

    @Override
    public Collection<String> findTXTRecords(String hostname) {
        return List.of();
    }

    @Override
    public List<InetAddress> getAllByName(String host) throws UnknownHostException {
        return List.of(getByName(host));
    }

    @Override
    public InetAddress getByName(String host) throws UnknownHostException {
        if (InetAddresses.isInetAddress(host)) {
            return InetAddresses.forString(host);
        }
        if (names.contains(host)) {
            return LOOPBACK;
        }
        if (otherAddresses.containsKey(host)) {
            return otherAddresses.get(host);
        }
        throw new UnknownHostException(host + " is not a test host");
    }

    @Override
    public InetAddress getLocalHost() {
        return LOOPBACK;
    }

    @Override
    public String getHostName(InetAddress address) {
        return address.isLoopbackAddress() ? "localhost" : address.getHostAddress();
    }
}
