package dev.tresor.mailets;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.apache.james.dnsservice.api.DNSService;

/**
 * DNS for tests that never leaves the machine: each listed domain has one MX host, each MX host one loopback
 * address; everything else does not exist.
 */
public final class TestDns implements DNSService {
    private final Map<String, String> mxByDomain;
    private final Map<String, String> addressByHost;

    public TestDns(Map<String, String> mxByDomain, Map<String, String> addressByHost) {
        this.mxByDomain = Map.copyOf(mxByDomain);
        this.addressByHost = Map.copyOf(addressByHost);
    }

    @Override
    public Collection<String> findMXRecords(String hostname) {
        return mxByDomain.containsKey(hostname) ? List.of(mxByDomain.get(hostname)) : List.of();
    }

    @Override
    public Collection<String> findTXTRecords(String hostname) {
        return List.of();
    }

    @Override
    public Collection<InetAddress> getAllByName(String host) throws UnknownHostException {
        return List.of(getByName(host));
    }

    @Override
    public InetAddress getByName(String host) throws UnknownHostException {
        String address = addressByHost.get(host);
        if (address == null) {
            throw new UnknownHostException(host + " is not a test host");
        }
        return InetAddress.getByName(address);
    }

    @Override
    public InetAddress getLocalHost() throws UnknownHostException {
        return InetAddress.getByName("127.0.0.1");
    }

    @Override
    public String getHostName(InetAddress address) {
        return "gateway.test";
    }
}
