package dev.flashgroup.api.web;

/** Fields of the CSV exports (pick lists, merchant orders), safe to open in a spreadsheet. */
public final class CsvFields {

  private CsvFields() {}

  /**
   * A field quoted when it holds a comma, quote or line break; one that a spreadsheet would run as
   * a formula (=, +, -, @) is prefixed with an apostrophe.
   */
  public static String csv(String value) {
    String text = value == null ? "" : value;
    if (!text.isEmpty() && "=+-@".indexOf(text.charAt(0)) >= 0) {
      text = "'" + text;
    }
    if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
      return "\"" + text.replace("\"", "\"\"") + "\"";
    }
    return text;
  }
}
