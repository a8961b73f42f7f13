package dev.tresor.quarantine;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.mailrepository.api.Protocol;
import org.apache.james.mailrepository.memory.MailRepositoryStoreConfiguration;
import org.apache.james.mailrepository.memory.MemoryMailRepository;
import org.apache.james.mailrepository.memory.MemoryMailRepositoryStore;
import org.apache.james.mailrepository.memory.MemoryMailRepositoryUrlStore;
import org.apache.james.mailrepository.memory.SimpleMailRepositoryLoader;

import com.google.common.collect.ImmutableList;

/** James's own in-memory mail repository store with {@code memory://} as its default protocol, for tests. */
public final class MemoryQuarantines {
    private MemoryQuarantines() {
    }

    public static TenantQuarantine create() {
        try {
            MemoryMailRepositoryStore store = new MemoryMailRepositoryStore(new MemoryMailRepositoryUrlStore(),
                new SimpleMailRepositoryLoader(),
                MailRepositoryStoreConfiguration.forItems(new MailRepositoryStoreConfiguration.Item(
                    ImmutableList.of(new Protocol("memory")), MemoryMailRepository.class.getName(),
                    new BaseHierarchicalConfiguration())));
            store.init();
            return new TenantQuarantine(store);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
