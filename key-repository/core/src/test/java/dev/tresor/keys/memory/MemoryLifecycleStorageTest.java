package dev.tresor.keys.memory;

import dev.tresor.keys.spi.KeyStorage;
import dev.tresor.keys.spi.LifecycleStorageContract;

class MemoryLifecycleStorageTest implements LifecycleStorageContract {
    private final MemoryKeyStorage storage = new MemoryKeyStorage();

    @Override
    public KeyStorage storage() {
        return storage;
    }
}
