package io.asyncudf.fhir;

import java.io.Serializable;

/**
 * How far a search may page: at most {@code maxPages} pages and {@code maxResources} resources;
 * a search that reaches either stops and reports itself truncated.
 */
public record SearchLimits(int maxPages, long maxResources) implements Serializable {

  public SearchLimits {
    if (maxPages < 1) {
      throw new IllegalArgumentException("maxPages must be at least 1, was " + maxPages);
    }
    if (maxResources < 1) {
      throw new IllegalArgumentException("maxResources must be at least 1, was " + maxResources);
    }
  }

  /** 1,000 pages, 100,000 resources. */
  public static SearchLimits defaults() {
    return new SearchLimits(1_000, 100_000);
  }
}
