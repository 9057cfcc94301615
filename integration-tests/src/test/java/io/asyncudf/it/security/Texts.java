package io.asyncudf.it.security;

import java.io.PrintWriter;
import java.io.StringWriter;

final class Texts {

  private Texts() {}

  /** The full stack trace with every cause and suppressed exception, as printStackTrace writes it. */
  static String stackTrace(Throwable failure) {
    StringWriter out = new StringWriter();
    failure.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
