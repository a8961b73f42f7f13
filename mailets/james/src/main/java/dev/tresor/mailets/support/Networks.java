package dev.tresor.mailets.support;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import com.google.common.net.InetAddresses;

/**
 * A list of IP networks in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}, or a single address). Only IP
 * literals: a host name would make every check depend on DNS.
 */
public final class Networks {
    private final List<byte[]> prefixes;
    private final List<Integer> lengths;

    private Networks(List<byte[]> prefixes, List<Integer> lengths) {
        this.prefixes = prefixes;
        this.lengths = lengths;
    }

    /** @throws IllegalArgumentException naming the entry that is not an IP network */
    public static Networks parse(List<String> entries) {
        List<byte[]> prefixes = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        for (String entry : entries) {
            String[] parts = entry.split("/", 2);
            if (!InetAddresses.isInetAddress(parts[0])) {
                throw new IllegalArgumentException("'" + entry + "' is not an IP address or network");
            }
            byte[] address = InetAddresses.forString(parts[0]).getAddress();
            int length = address.length * 8;
            if (parts.length == 2) {
                try {
                    length = Integer.parseInt(parts[1]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + entry + "' has no valid prefix length");
                }
                if (length < 0 || length > address.length * 8) {
                    throw new IllegalArgumentException("'" + entry + "' has a prefix length outside 0.." + address.length * 8);
                }
            }
            prefixes.add(address);
            lengths.add(length);
        }
        return new Networks(prefixes, lengths);
    }

    public boolean isEmpty() {
        return prefixes.isEmpty();
    }

    /** Whether the address (an IP literal, as James records the remote address) is in one of the networks. */
    public boolean contains(String address) {
        if (address == null || !InetAddresses.isInetAddress(address)) {
            return false;
        }
        InetAddress parsed = InetAddresses.forString(address);
        byte[] bytes = parsed.getAddress();
        for (int i = 0; i < prefixes.size(); i++) {
            if (matches(prefixes.get(i), lengths.get(i), bytes)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(byte[] prefix, int length, byte[] address) {
        if (prefix.length != address.length) {
            return false;
        }
        int fullBytes = length / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (prefix[i] != address[i]) {
                return false;
            }
        }
        int remainingBits = length % 8;
        if (remainingBits == 0) {
            return true;
        }
        int mask = (0xFF << (8 - remainingBits)) & 0xFF;
        return (prefix[fullBytes] & mask) == (address[fullBytes] & mask);
    }
}
