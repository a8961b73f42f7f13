package dev.tresor.mailets;

import java.nio.file.Path;
import java.time.Clock;

import org.apache.james.domainlist.lib.DomainListConfiguration;
import org.apache.james.domainlist.memory.MemoryDomainList;
import org.apache.james.rrt.memory.MemoryRecipientRewriteTable;

import dev.tresor.keys.james.TenantResolver;
import dev.tresor.keys.repository.TestKeyRepository;

/**
 * A real key repository (see {@link TestKeyRepository}) and a real James RRT for mailet and matcher tests, with the
 * tenant resolver the mailets use on top of both.
 */
public final class TestVaults extends TestKeyRepository {
    private final MemoryRecipientRewriteTable recipientRewriteTable;
    private final TenantResolver tenantResolver;

    private TestVaults(Path directory, Clock clock, MemoryRecipientRewriteTable recipientRewriteTable) {
        super(directory, clock);
        this.recipientRewriteTable = recipientRewriteTable;
        this.tenantResolver = new TenantResolver(repository(), recipientRewriteTable);
    }

    public static TestVaults create(Path directory, Clock clock) {
        try {
            MemoryDomainList domainList = new MemoryDomainList(null);
            domainList.configure(DomainListConfiguration.builder().autoDetect(false).autoDetectIp(false).build());
            MemoryRecipientRewriteTable recipientRewriteTable = new MemoryRecipientRewriteTable();
            recipientRewriteTable.setDomainList(domainList);
            return new TestVaults(directory, clock, recipientRewriteTable);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public TenantResolver tenantResolver() {
        return tenantResolver;
    }

    public MemoryRecipientRewriteTable recipientRewriteTable() {
        return recipientRewriteTable;
    }
}
