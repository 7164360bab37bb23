"""The foundation every stage may import: settings, the warehouse connection, the run log, the
landing contract, the site configuration (sources, mapping files, wide layouts) and the daily
tables written block by block. Imports nothing above it."""
