package io.asyncudf.internal.spark;

import io.asyncudf.internal.spark.catalyst.Plans;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.And;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.EqualTo;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GetStructField;
import org.apache.spark.sql.catalyst.expressions.GreaterThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.IsNotNull;
import org.apache.spark.sql.catalyst.expressions.IsNull;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.Not;
import org.apache.spark.sql.catalyst.expressions.Or;
import org.apache.spark.sql.catalyst.expressions.aggregate.First;
import org.apache.spark.sql.catalyst.plans.Inner$;
import org.apache.spark.sql.catalyst.plans.LeftOuter$;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.Join;
import org.apache.spark.sql.catalyst.plans.logical.JoinHint;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.Union;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;
import scala.Option;

/**
 * Answers journaled calls from their journal, in the plan: a journaled {@link AsyncEval} becomes
 *
 * <pre>
 * rows keyed by their input  LEFT OUTER JOIN  the journal's answers (one per key)
 *   └─ the call, which skips the rows found and emits their answers in their place ({@link JournalLookup})
 *      └─ JournalAppend: the successful answers of the rows it called
 * </pre>
 *
 * in one pass over the rows, so only the rows whose key is not in the journal reach the service, however large the journal (Spark
 * picks the join: a broadcast for a small journal, a shuffle for a large one). Failed rows (a non-null
 * error field) are not journaled, so the next run calls them again. The join reads the journal's files
 * as they are when the query is planned (each micro-batch of a stream plans anew).
 *
 * <p>By default ({@value #DEDUPE}{@code =partition}) a row whose key repeats one of the last
 * {@value #DEDUPE_KEYS} distinct keys of its partition (default {@value #DEFAULT_DEDUPE_KEYS}) is not called
 * but answered by that key's first row ({@link RepeatedKeys}); {@code none} calls every row not found.
 * With {@value #DEDUPE}{@code =job} the rows not found are grouped by key first: one call per distinct
 * input in the whole job, its answer joined back to every row with that key (two more shuffles, for
 * inputs that repeat), and a union with the found rows: the rows below are read twice, so this mode
 * refuses a call whose input comes from another async call, and needs a deterministic input.
 */
final class JournalCalls {

  /** {@code true}: failed rows (their error struct) are journaled too, and answered from it next run. */
  static final String FAILURES = "spark.asyncudf.journal.failures";

  /**
   * {@code partition} (default): one call per key among a partition's recent keys; {@code none}: every row
   * not found is called; {@code job}: one call per distinct key in the job.
   */
  static final String DEDUPE = "spark.asyncudf.journal.dedupe";

  /** How many recent distinct keys a partition remembers with {@value #DEDUPE}{@code =partition}. */
  static final String DEDUPE_KEYS = "spark.asyncudf.journal.dedupeKeys";

  static final int DEFAULT_DEDUPE_KEYS = 10_000;

  private enum Dedupe { NONE, PARTITION, JOB }

  private JournalCalls() {}

  /** {@code plan} with each journaled call answered from its journal first; idempotent. */
  static LogicalPlan apply(LogicalPlan plan) {
    LogicalPlan withChildren = plan.mapChildren(JournalCalls::apply);
    if (withChildren instanceof AsyncEval eval && eval.call().journal() != null) {
      return journaled(eval);
    }
    if (withChildren instanceof AsyncMapRows rows && rows.call().journal() != null && rows.lookup() == null) {
      return journaled(rows);
    }
    return withChildren;
  }

  /**
   * A journaled DataFrame helper: its rows keyed by their {@code journalKey} column, left-joined with the
   * journal's answers (per key, the array of output rows with that key), into the helper, which emits a
   * found row's output rows instead of calling it, and journals what it calls per input row.
   *
   * @throws IllegalArgumentException if the input has no {@code journalKey} column, or it differs in type
   *     from the output's, or is not of an atomic type
   */
  private static LogicalPlan journaled(AsyncMapRows rows) {
    SparkSession spark = SparkSession.active();
    RowsCall call = rows.call();
    requireReadable(call.name(), call.outputSchema(), call.outputSchema());
    Attribute column = requireKey(call, Plans.list(rows.input()));
    Alias keyAlias = alias(Journal.key(spark, column), "__journal_key");
    LogicalPlan keyed = new Project(Plans.append(outputs(rows.child()), keyAlias), rows.child());
    Journal.requireWritable(spark, call.journal());
    LogicalPlan journal = Journal.optimizedAnswers(spark, call.journal(), new ArrayType(call.outputSchema(), true));
    List<Attribute> entry = Plans.list(journal.output());
    LogicalPlan joined = new Join(keyed, journal, LeftOuter$.MODULE$,
        Option.apply(new EqualTo(keyAlias.toAttribute(), entry.get(0))), JoinHint.NONE());
    return new AsyncMapRows(call, rows.input(), rows.output(), joined, rows.materialize(),
        new JournalLookup(entry.get(0), entry.get(1), keyAlias.toAttribute(), 0));
  }

  private static LogicalPlan journaled(AsyncEval eval) {
    SparkSession spark = SparkSession.active();
    AsyncCall call = eval.call();
    LogicalPlan child = eval.child();
    Attribute result = eval.result();
    requireReadable(call.name(), result.dataType(), result.dataType());

    Alias keyAlias = alias(Journal.key(spark, eval.journalKey() != null ? eval.journalKey() : eval.input()),
        "__journal_key");
    Attribute key = keyAlias.toAttribute();
    LogicalPlan keyed = new Project(Plans.append(outputs(child), keyAlias), child);
    Journal.requireWritable(spark, call.journal());
    LogicalPlan journal = Journal.optimizedAnswers(spark, call.journal(), result.dataType());
    List<Attribute> entry = Plans.list(journal.output());
    Attribute journaledKey = entry.get(0);
    Attribute journaledAnswer = entry.get(1);
    LogicalPlan joined = new Join(keyed, journal, LeftOuter$.MODULE$,
        Option.apply(new EqualTo(key, journaledKey)), JoinHint.NONE());
    Dedupe dedupe = dedupe(spark);
    if (dedupe != Dedupe.JOB) {
      // one pass: the call skips the rows found and the repeats, and emits their answers where they stand
      LogicalPlan called = new AsyncEval(call.withoutJournal(), eval.input(), result, joined, eval.materialize(),
          new JournalLookup(journaledKey, journaledAnswer, key, dedupe == Dedupe.PARTITION ? dedupeKeys(spark) : 0));
      LogicalPlan appended = new JournalAppend(call.journal(), key, Journal.json(spark, result),
          new And(new IsNull(journaledKey), succeeded(call, result)), called);
      return new Project(Plans.append(outputs(child), result), appended);
    }
    if (child.isStreaming()) {
      throw new UnsupportedOperationException(DEDUPE + "=job calls each key once with an aggregation, which a "
          + "streaming query cannot emit in append mode (its rows would be held back for good): use "
          + DEDUPE + "=partition, the default, for " + call.name() + " on a stream");
    }
    if (Plans.nodes(child).stream().anyMatch(node -> node instanceof AsyncEval || node instanceof AsyncMapRows)) {
      throw new UnsupportedOperationException(DEDUPE + "=job reads the rows below the call twice, so it refuses a "
          + "call whose input comes from another async call (it would be called twice): " + call.name());
    }
    if (differsBetweenReads(child, eval.journalKey() != null ? eval.journalKey() : eval.input())) {
      throw new UnsupportedOperationException(DEDUPE + "=job reads the rows below the call three times (those found "
          + "in the journal, the keys to call, and the rows the answers join back to), so they must be the same each "
          + "time, and the input of " + call.name() + ", or a filter of its rows, is not deterministic (rand(), "
          + "uuid() or the like): its rows would be lost or doubled; use " + DEDUPE + "=partition, the default");
    }

    Alias answer = new Alias(journaledAnswer, result.name(), result.exprId(), Plans.seq(List.of()), Option.empty(),
        Plans.seq(List.of()));
    LogicalPlan found = new Project(Plans.append(outputs(child), answer),
        new Filter(new IsNotNull(journaledKey), joined));

    LogicalPlan missing = new Project(Plans.append(outputs(child), key), new Filter(new IsNull(journaledKey), joined));
    LogicalPlan answered = calledOncePerKey(spark, eval, missing, key, child);
    return new Union(Plans.seq(List.of(found, answered)), false, false);
  }

  /** The call over {@code rows}, its successful answers journaled as they leave it. */
  private static LogicalPlan journaledCall(SparkSession spark, AsyncEval eval, Expression input, LogicalPlan rows,
      Attribute key) {
    AsyncCall call = eval.call();
    LogicalPlan called = new AsyncEval(call.withoutJournal(), input, eval.result(), rows, eval.materialize());
    return new JournalAppend(call.journal(), key, Journal.json(spark, eval.result()), succeeded(call, eval.result()),
        called);
  }

  /**
   * Whether the rows below a call may differ between two reads in what the call's key depends on: the key computed
   * from a non-deterministic expression (directly, or through columns computed from one), or the rows filtered by
   * one. A non-deterministic column the key does not read (an ingestion id, a salt) changes nothing.
   */
  private static boolean differsBetweenReads(LogicalPlan child, Expression key) {
    List<LogicalPlan> nodes = Plans.nodes(child);
    java.util.Collections.reverse(nodes); // a node's children before it
    java.util.Set<Object> varying = new java.util.HashSet<>();
    for (LogicalPlan node : nodes) {
      if (node instanceof Filter filter && varies(filter.condition(), varying)) {
        return true;
      }
      for (Expression expression : Plans.list(node.expressions())) {
        if (expression instanceof Alias alias && varies(alias.child(), varying)) {
          varying.add(alias.exprId());
        }
      }
    }
    return varies(key, varying);
  }

  private static boolean varies(Expression expression, java.util.Set<Object> varying) {
    return !expression.deterministic() || Plans.list(expression.references().toSeq()).stream()
        .anyMatch(attribute -> varying.contains(attribute.exprId()));
  }

  /**
   * Checks that answers of {@code type} read back from the journal's JSON: Spark reads a map from JSON only when its
   * keys are strings.
   *
   * @param whole the call's whole output type, for the message
   * @throws IllegalArgumentException naming the call and the map type if {@code type} has a map with other keys
   */
  private static void requireReadable(String call, DataType whole, DataType type) {
    if (type instanceof MapType map) {
      if (!(map.keyType() instanceof org.apache.spark.sql.types.StringType)) {
        throw new IllegalArgumentException("the answers of " + call + " cannot be journaled: its output "
            + whole.simpleString() + " has a map with " + map.keyType().simpleString() + " keys, and a journal keeps "
            + "answers as JSON, whose maps Spark reads back only with string keys; give the map string keys, or make "
            + "it an array of key and value structs");
      }
      requireReadable(call, whole, map.valueType());
    } else if (type instanceof ArrayType array) {
      requireReadable(call, whole, array.elementType());
    } else if (type instanceof StructType struct) {
      for (org.apache.spark.sql.types.StructField field : struct.fields()) {
        requireReadable(call, whole, field.dataType());
      }
    }
  }

  /**
   * The input column that is {@code call}'s journal key.
   *
   * @throws IllegalArgumentException if {@code input} has no such column, or it differs in type from the output's,
   *     or is not of an atomic type
   */
  static Attribute requireKey(RowsCall call, List<Attribute> input) {
    Attribute column = input.stream().filter(attribute -> attribute.name().equals(call.journalKey())).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("journalKey '" + call.journalKey() + "' of " + call.name()
            + " is not a column of its input " + input));
    DataType outputType = call.outputSchema().apply(call.journalKey()).dataType();
    if (!column.dataType().sameType(outputType) || column.dataType() instanceof StructType
        || column.dataType() instanceof ArrayType || column.dataType() instanceof MapType
        || column.dataType() instanceof BinaryType) {
      throw new IllegalArgumentException("journalKey '" + call.journalKey() + "' of " + call.name() + " must have one "
          + "atomic type in the input and the output, got " + column.dataType().simpleString() + " and "
          + outputType.simpleString());
    }
    return column;
  }

  /** The rows of {@code missing} with their answers, one call per distinct key, joined back by key. */
  private static LogicalPlan calledOncePerKey(SparkSession spark, AsyncEval eval, LogicalPlan missing, Attribute key,
      LogicalPlan child) {
    Alias input = alias(new First(eval.input(), false).toAggregateExpression(), "__journal_input");
    LogicalPlan distinct = new Aggregate(Plans.seq(List.<Expression>of(key)),
        Plans.seq(List.<NamedExpression>of(key, input)), missing, Option.empty());
    LogicalPlan called = journaledCall(spark, eval, input.toAttribute(), distinct, key);
    Alias answerKey = alias(key, "__journal_answer_key");
    LogicalPlan answers = new Project(Plans.seq(List.<NamedExpression>of(answerKey, eval.result())), called);
    LogicalPlan rows = new Join(missing, answers, Inner$.MODULE$,
        Option.apply(new EqualTo(key, answerKey.toAttribute())), JoinHint.NONE());
    return new Project(Plans.append(outputs(child), eval.result()), rows);
  }

  private static Dedupe dedupe(SparkSession spark) {
    String mode = spark.conf().get(DEDUPE, "partition").trim();
    return switch (mode) {
      case "none" -> Dedupe.NONE;
      case "partition" -> Dedupe.PARTITION;
      case "job" -> Dedupe.JOB;
      default -> throw new IllegalArgumentException(DEDUPE + " must be partition, none or job, was '" + mode + "'");
    };
  }

  private static int dedupeKeys(SparkSession spark) {
    String value = spark.conf().get(DEDUPE_KEYS, String.valueOf(DEFAULT_DEDUPE_KEYS)).trim();
    try {
      int keys = Integer.parseInt(value);
      if (keys >= 1) {
        return keys;
      }
    } catch (NumberFormatException e) {
      // named below
    }
    throw new IllegalArgumentException(DEDUPE_KEYS + " must be a whole number of keys, at least 1, was '" + value + "'");
  }

  /**
   * Whether a row's answer may be journaled: always, or with errors recorded, when its error is null, unless
   * {@value #FAILURES}{@code =true} journals failed rows too. An answer whose status (an int field
   * {@code status_code} or {@code status} of the result struct, as the connector functions return) says the
   * service could not answer then (408, 429 or 5xx) is a failure here too: a rerun after an outage calls it again.
   */
  private static Expression succeeded(AsyncCall call, Attribute result) {
    boolean failuresToo = Boolean.parseBoolean(SparkSession.active().conf().get(FAILURES, "false").trim());
    if (failuresToo || !(result.dataType() instanceof StructType struct)) {
      return Literal.TrueLiteral();
    }
    Expression succeeded = call.errorName() == null ? Literal.TrueLiteral()
        : new IsNull(new GetStructField(result, struct.fieldIndex(call.errorName()), Option.apply(call.errorName())));
    for (String name : List.of("status_code", "status")) {
      if (struct.getFieldIndex(name).isDefined()
          && struct.apply(name).dataType().equals(org.apache.spark.sql.types.DataTypes.IntegerType)) {
        Expression status = new GetStructField(result, struct.fieldIndex(name), Option.apply(name));
        Expression unavailable = new Or(new GreaterThanOrEqual(status, intLiteral(500)),
            new Or(new EqualTo(status, intLiteral(408)), new EqualTo(status, intLiteral(429))));
        return new And(succeeded, new Or(new IsNull(status), new Not(unavailable)));
      }
    }
    return succeeded;
  }

  private static Literal intLiteral(int value) {
    return Literal.create(value, org.apache.spark.sql.types.DataTypes.IntegerType);
  }

  private static Alias alias(Expression expression, String name) {
    return new Alias(expression, name, NamedExpression.newExprId(), Plans.seq(List.of()), Option.empty(),
        Plans.seq(List.of()));
  }

  private static scala.collection.immutable.Seq<NamedExpression> outputs(LogicalPlan plan) {
    List<NamedExpression> named = new ArrayList<>();
    Plans.list(plan.output()).forEach(attribute -> named.add((NamedExpression) attribute));
    return Plans.seq(named);
  }
}
