package dev.tresor.keys.spi;

/**
 * Told what other nodes sharing the storage changed, so that it can forget what it cached about it. Called from one
 * thread at a time (the thread that listens to the database), and quickly: an implementation must not block.
 */
public interface StorageChangeObserver {
    /** Another node committed a change to this tenant or domain. */
    void changed(StorageChange change);

    /**
     * Changes of other nodes may go unheard from now on (the listening connection is lost, or not yet open): keep
     * nothing that such a change could make wrong until {@link #changesFollowed()}.
     */
    void changesMayBeMissed();

    /**
     * Every change committed from now on will be told; changes committed before may have been missed, so nothing
     * learnt earlier can be trusted.
     */
    void changesFollowed();
}
