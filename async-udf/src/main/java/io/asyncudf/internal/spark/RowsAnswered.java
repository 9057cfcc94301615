package io.asyncudf.internal.spark;

import java.util.Iterator;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * The rows of a partition that a journaled call reads but does not call (the journal answered them, or they
 * repeat a key called just before), kept aside in input order and emitted without a chunk. Task thread only.
 */
interface RowsAnswered {

  /** Rows read and not yet emitted, counting those kept aside while their chunk is in flight. */
  long held();

  /**
   * The output rows of those answered that can be emitted now, in input order; asked for when no chunk is
   * outstanding, so every row read before them has been emitted.
   */
  Iterator<InternalRow> emittable();
}
