# Summarises orders by status with a raw SQL query, plus the revenue of paid orders.
def main():
    rows = db.execute_raw_query("""
        SELECT json_extract(d.data, '$.status') AS status, COUNT(*) AS orders, SUM(json_extract(d.data, '$.total')) AS total
        FROM documents d JOIN collections c ON d.collection_id = c.id
        WHERE c.project_id = :project_id AND c.name = 'orders'
        GROUP BY json_extract(d.data, '$.status')
    """)
    paid = [r for r in rows if r['status'] == 'paid']
    revenue = paid[0]['total'] if paid else 0
    return {"by_status": rows, "revenue": round(revenue, 2), "generated_at": datetime.now().isoformat()}
