package io.asyncudf.internal.spark;

import io.asyncudf.internal.spark.catalyst.Plans;
import java.io.Serializable;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.expressions.Expression;

/**
 * The columns of a journal lookup in an {@link AsyncEval}'s input rows: the journal's key, set when the
 * row's answer was found, that answer, and the row's own key. A found row is not called; its answer is
 * emitted in its place, in input order. A row whose key repeats one of the {@code remembered} most recent
 * distinct keys of its partition is not called either: it gets that key's first answer (0: no such
 * rows).
 */
public record JournalLookup(Attribute found, Attribute answer, Attribute key, int remembered)
    implements Serializable {

  /** What a node that reads {@code read} of its child reads with {@code lookup} (or null): its columns too. */
  static AttributeSet reads(AttributeSet read, JournalLookup lookup) {
    return lookup == null ? read : read.$plus$plus(AttributeSet.apply(
        Plans.seq(java.util.List.<Expression>of(lookup.found(), lookup.answer(), lookup.key()))));
  }
}
