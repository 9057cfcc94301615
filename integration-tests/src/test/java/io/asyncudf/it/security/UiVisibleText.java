package io.asyncudf.it.security;

import org.apache.spark.ExceptionFailure;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The text Spark's UI and event log show about jobs: stage names, details and RDD names, task
 * failure reasons with their stack traces, job results, and SQL executions with their plans.
 */
final class UiVisibleText extends SparkListener {

  private final StringBuffer text = new StringBuffer();

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted event) {
    stage(event.stageInfo());
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted event) {
    stage(event.stageInfo());
    if (event.stageInfo().failureReason().isDefined()) {
      add(event.stageInfo().failureReason().get());
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd event) {
    add(event.reason().toString());
    if (event.reason() instanceof TaskFailedReason failed) {
      add(failed.toErrorString());
    }
    if (event.reason() instanceof ExceptionFailure failure) {
      add(failure.fullStackTrace());
    }
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd event) {
    add(event.jobResult().toString());
  }

  @Override
  public void onOtherEvent(SparkListenerEvent event) {
    add(event.toString());
  }

  String text() {
    return text.toString();
  }

  private void stage(StageInfo stage) {
    add(stage.name());
    add(stage.details());
    CollectionConverters.asJava(stage.rddInfos()).forEach(rdd -> add(rdd.name() + " " + rdd.callSite()));
  }

  private void add(String line) {
    text.append(line).append('\n');
  }
}
