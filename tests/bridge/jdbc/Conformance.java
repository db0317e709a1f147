import java.math.BigDecimal;
import java.sql.*;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * What a SQL IDE (DBeaver, IntelliJ, Tableau) asks pgjdbc on first contact: every DatabaseMetaData method it calls,
 * then queries and inserts with each setter type. Prints each answer as tab-separated lines
 * ("call\tcolumn=value\t...") for the Python test to check against the register's data.
 */
public class Conformance {
    static void print(String call, ResultSet rows) throws SQLException {
        ResultSetMetaData meta = rows.getMetaData();
        int count = 0;
        while (rows.next()) {
            StringBuilder line = new StringBuilder(call);
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                Object value = rows.getObject(i);
                line.append('\t').append(meta.getColumnLabel(i).toUpperCase()).append('=').append(value);
            }
            System.out.println(line);
            count++;
        }
        System.out.println(call + "\t#rows=" + count);
    }

    static void query(Connection con, String call, String sql, Object... values) throws SQLException {
        try (PreparedStatement statement = con.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                Object value = values[i];
                if (value instanceof String) statement.setString(i + 1, (String) value);
                else if (value instanceof BigDecimal) statement.setBigDecimal(i + 1, (BigDecimal) value);
                else if (value instanceof Date) statement.setDate(i + 1, (Date) value);
                else if (value instanceof Timestamp) statement.setTimestamp(i + 1, (Timestamp) value);
                else if (value instanceof Integer) statement.setInt(i + 1, (Integer) value);
                else if (value instanceof Long) statement.setLong(i + 1, (Long) value);
                else if (value instanceof Double) statement.setDouble(i + 1, (Double) value);
                else if (value instanceof Boolean) statement.setBoolean(i + 1, (Boolean) value);
                else statement.setObject(i + 1, value);
            }
            if (statement.execute()) {
                print(call, statement.getResultSet());
            } else {
                System.out.println(call + "\t#updated=" + statement.getUpdateCount());
            }
        }
    }

    public static void main(String[] args) throws Exception {
        try (Connection con = DriverManager.getConnection(args[0], args[1], "")) {
            DatabaseMetaData meta = con.getMetaData();
            System.out.println("product\tNAME=" + meta.getDatabaseProductName() + "\tVERSION=" + meta.getDatabaseProductVersion());
            System.out.println("keywords\tKEYWORDS=" + meta.getSQLKeywords());
            print("catalogs", meta.getCatalogs());
            print("schemas", meta.getSchemas());
            print("tables", meta.getTables(null, "public", "%", new String[] {"TABLE"}));
            print("columns", meta.getColumns(null, "public", "Assets", "%"));
            print("primaryKeys", meta.getPrimaryKeys(null, "public", "Assets"));
            print("importedKeys", meta.getImportedKeys(null, "public", "Assets"));
            print("exportedKeys", meta.getExportedKeys(null, "public", "AssetTypes"));
            print("crossReference", meta.getCrossReference(null, "public", "AssetTypes", null, "public", "Assets"));
            print("indexInfo", meta.getIndexInfo(null, "public", "Assets", false, false));
            print("bestRowIdentifier", meta.getBestRowIdentifier(null, "public", "Assets", DatabaseMetaData.bestRowSession, false));
            print("typeInfo", meta.getTypeInfo());
            print("versionColumns", meta.getVersionColumns(null, "public", "Assets"));
            print("functions", meta.getFunctions(null, "public", "%"));
            print("procedures", meta.getProcedures(null, "public", "%"));
            print("tablePrivileges", meta.getTablePrivileges(null, "public", "Assets"));

            String select = "SELECT \"AssetNumber\" FROM \"Assets\" WHERE ";
            query(con, "whereString", select + "\"AssetNumber\" = ?", args[2]);
            query(con, "whereBigDecimal", select + "\"PurchasePrice\" >= ? ORDER BY 1", new BigDecimal("1999.99"));
            query(con, "whereDate", select + "\"PurchaseDate\" = ?", Date.valueOf(args[3]));
            query(con, "whereTimestamp", select + "\"PurchaseDate\" >= ?", Timestamp.valueOf(args[3] + " 00:00:00"));
            query(con, "whereLocalDate", select + "\"PurchaseDate\" = ?", LocalDate.parse(args[3]));
            query(con, "whereLocalDateTime", select + "\"PurchaseDate\" >= ?", LocalDate.parse(args[3]).atStartOfDay());
            query(con, "whereOffsetDateTime", select + "\"PurchaseDate\" <= ?",
                  OffsetDateTime.of(LocalDate.parse(args[3]).atStartOfDay(), ZoneOffset.UTC));
            query(con, "whereInt", select + "\"BookDepreciationSetting_EffectiveLifeYears\" = ?", 5);
            query(con, "whereLong", select + "\"BookDepreciationSetting_EffectiveLifeYears\" = ?", 5L);
            query(con, "whereDouble", select + "\"PurchasePrice\" > ? ORDER BY 1", 1000.5d);
            query(con, "whereBoolean", select + "\"CanRollBack\" = ? ORDER BY 1", false);
            query(con, "sum", "SELECT SUM(\"PurchasePrice\") AS total, COUNT(*) AS n FROM \"Assets\"");

            try (Statement statement = con.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_UPDATABLE);
                 ResultSet rows = statement.executeQuery(
                     "SELECT \"AssetId\", \"AssetName\" FROM \"Assets\" WHERE \"AssetNumber\" = '" + args[2] + "'")) {
                while (rows.next()) {  // an updatable result set: pgjdbc finds the key and writes an UPDATE by it
                    rows.updateString("AssetName", rows.getString("AssetName") + " (renamed)");
                    rows.updateRow();
                    System.out.println("updatableResultSet\tASSETNAME=" + rows.getString("AssetName"));
                }
            }
            query(con, "insertDate", "INSERT INTO \"Assets\" (\"AssetName\", \"AssetNumber\", \"PurchasePrice\", \"PurchaseDate\") VALUES (?, ?, ?, ?)",
                  "JDBC date", "JD-0001", new BigDecimal("1234.56"), Date.valueOf("2024-07-01"));
            query(con, "insertTimestamp", "INSERT INTO \"Assets\" (\"AssetName\", \"AssetNumber\", \"PurchaseDate\") VALUES (?, ?, ?)",
                  "JDBC timestamp", "JD-0002", Timestamp.valueOf("2024-07-02 13:45:00"));
            query(con, "insertLocalDate", "INSERT INTO \"Assets\" (\"AssetName\", \"AssetNumber\", \"PurchaseDate\", \"PurchasePrice\") VALUES (?, ?, ?, ?)",
                  "JDBC local date", "JD-0003", LocalDate.parse("2024-07-03"), 10.10d);
            query(con, "insertLocalDateTime", "INSERT INTO \"Assets\" (\"AssetName\", \"AssetNumber\", \"PurchaseDate\") VALUES (?, ?, ?)",
                  "JDBC local date time", "JD-0004", LocalDateTime.parse("2024-07-04T23:59:59"));
        }
    }
}
