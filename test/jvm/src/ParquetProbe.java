import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads Parquet files with parquet-java (the reference implementation) and prints one JSON line per file:
 * {"file", "schema" (parquet-java's text), "columns" [{name, physical, logical, repetition}],
 *  "rows", "pageTypes" {column: [DataPageV1|DataPageV2|dictionary...]}, "records" [...]}.
 *
 * Usage: java -cp <jars>:<classes> ParquetProbe <schema|meta|cat|all> file...
 *   schema: schema + columns; meta: + rows and page types; cat: + records; all: everything.
 * Timestamps are printed as their stored INT64 value; the logical type says how to read it.
 */
public final class ParquetProbe {
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: ParquetProbe <schema|meta|cat|all> file...");
      System.exit(2);
    }
    String mode = args[0];
    Configuration conf = new Configuration();
    for (int i = 1; i < args.length; i++) {
      System.out.println(probe(mode, new Path(args[i]), conf));
    }
  }

  private static String probe(String mode, Path path, Configuration conf) throws Exception {
    StringBuilder out = new StringBuilder("{\"file\":").append(quote(path.toString()));
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(path, conf))) {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      out.append(",\"schema\":").append(quote(schema.toString()));
      out.append(",\"columns\":[");
      List<Type> fields = schema.getFields();
      for (int i = 0; i < fields.size(); i++) {
        PrimitiveType field = fields.get(i).asPrimitiveType();
        LogicalTypeAnnotation logical = field.getLogicalTypeAnnotation();
        if (i > 0) out.append(',');
        out.append("{\"name\":").append(quote(field.getName()))
            .append(",\"physical\":").append(quote(field.getPrimitiveTypeName().name()))
            .append(",\"logical\":").append(logical == null ? "null" : quote(logical.toString()))
            .append(",\"repetition\":").append(quote(field.getRepetition().name())).append('}');
      }
      out.append(']');
      if (!mode.equals("schema")) {
        out.append(",\"rows\":").append(reader.getRecordCount());
        out.append(",\"pageTypes\":").append(pageTypes(reader, schema));
      }
    }
    if (mode.equals("cat") || mode.equals("all")) out.append(",\"records\":").append(records(path, conf));
    return out.append('}').toString();
  }

  /** Classes of the pages of every column chunk: proves data page V1 vs V2 as parquet-java decodes them. */
  private static String pageTypes(ParquetFileReader reader, MessageType schema) throws Exception {
    Map<String, List<String>> seen = new LinkedHashMap<>();
    PageReadStore group;
    while ((group = reader.readNextRowGroup()) != null) {
      for (ColumnDescriptor column : schema.getColumns()) {
        List<String> kinds = seen.computeIfAbsent(String.join(".", column.getPath()), k -> new ArrayList<>());
        PageReader pages = group.getPageReader(column);
        if (pages.readDictionaryPage() != null && !kinds.contains("dictionary")) kinds.add("dictionary");
        DataPage page;
        while ((page = pages.readPage()) != null) {
          String kind = page.getClass().getSimpleName();
          if (!kinds.contains(kind)) kinds.add(kind);
        }
      }
    }
    StringBuilder out = new StringBuilder("{");
    for (Map.Entry<String, List<String>> entry : seen.entrySet()) {
      if (out.length() > 1) out.append(',');
      out.append(quote(entry.getKey())).append(":[");
      for (int i = 0; i < entry.getValue().size(); i++) out.append(i > 0 ? "," : "").append(quote(entry.getValue().get(i)));
      out.append(']');
    }
    return out.append('}').toString();
  }

  private static String records(Path path, Configuration conf) throws Exception {
    StringBuilder out = new StringBuilder("[");
    try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), path).withConf(conf).build()) {
      Group record;
      boolean first = true;
      while ((record = reader.read()) != null) {
        out.append(first ? "{" : ",{");
        first = false;
        List<Type> fields = record.getType().getFields();
        for (int i = 0; i < fields.size(); i++) {
          if (i > 0) out.append(',');
          out.append(quote(fields.get(i).getName())).append(':').append(value(record, i, fields.get(i).asPrimitiveType()));
        }
        out.append('}');
      }
    }
    return out.append(']').toString();
  }

  private static String value(Group record, int field, PrimitiveType type) {
    if (record.getFieldRepetitionCount(field) == 0) return "null";
    switch (type.getPrimitiveTypeName()) {
      case INT64: return Long.toString(record.getLong(field, 0));
      case INT32: return Integer.toString(record.getInteger(field, 0));
      case BOOLEAN: return Boolean.toString(record.getBoolean(field, 0));
      case DOUBLE: {
        double d = record.getDouble(field, 0);
        return Double.isFinite(d) ? Double.toString(d) : quote(Double.toString(d));
      }
      case BINARY: return quote(record.getString(field, 0));
      default: return quote(record.getValueToString(field, 0));
    }
  }

  private static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') out.append('\\').append(c);
      else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
      else out.append(c);
    }
    return out.append('"').toString();
  }
}
