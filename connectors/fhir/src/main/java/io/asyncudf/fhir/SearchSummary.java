package io.asyncudf.fhir;

/**
 * What a paged search did.
 *
 * @param pages pages fetched
 * @param resources resources handed to the page handler (search-mode {@code match} entries)
 * @param truncated true when {@link SearchLimits} stopped the search before the last page
 */
public record SearchSummary(int pages, long resources, boolean truncated) {}
