package io.asyncudf.spark;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.expressions.Attribute;

/**
 * The two columns a journal lookup adds to an {@link AsyncEval}'s input rows: the journal's key, set
 * when the row's answer was found, and that answer. A found row is not called; its answer is emitted in
 * its place, in input order.
 */
public record JournalLookup(Attribute found, Attribute answer) implements Serializable {}
