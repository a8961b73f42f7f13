package dev.tresor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class LoopbackPortsTest {
    @Test
    void portsShouldComeFromBelowTheEphemeralRangeAndNeverTwiceWhileHeld() throws Exception {
        int ephemeralLow = LoopbackPorts.ephemeralLow(Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
        assertThat(ephemeralLow).as("the kernel's ephemeral range starts above our ports").isGreaterThan(21_000);
        List<ServerSocket> held = new ArrayList<>();
        Set<Integer> ports = new HashSet<>();
        try {
            for (int i = 0; i < 50; i++) {
                ServerSocket socket = LoopbackPorts.reserve();
                held.add(socket);
                ports.add(socket.getLocalPort());
            }
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
        assertThat(ports).hasSize(50).allSatisfy(port -> assertThat(port).isBetween(20_000, ephemeralLow - 1));
        assertThat(LoopbackPorts.free()).isBetween(20_000, ephemeralLow - 1);
    }
}
