/**
 * Deliberately bad code for {@link io.crmhub.boundaries.ModuleBoundariesTest}: a cycle between two modules that only
 * the source shows (one side uses a constant, which javac inlines), a provider using another provider, and a module
 * using one it did not declare. Never part of the product (test sources).
 */
package io.crmhub.boundaryfixture;
