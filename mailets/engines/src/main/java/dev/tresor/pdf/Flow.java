package dev.tresor.pdf;

/** Where laid-out strips go: the page column, or a table cell being measured. */
interface Flow {
    /** The usable width in points. */
    float width();

    void add(Slab slab);
}
