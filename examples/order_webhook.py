# Handles a payment provider's webhook: marks the order paid and keeps an audit log entry.
def main():
    event = request.json()
    if event.get('type') != 'payment.succeeded':
        return {"status": "ignored", "type": event.get('type')}

    payment = event['data']
    order = db.get_document('orders', payment['order_id'])
    if not order:
        return {"error": "unknown order", "order_id": payment['order_id']}, 404

    expected = order['data']['total']
    if abs(payment['amount'] - expected) > 0.005:
        print(f"amount mismatch on {order['id']}: paid {payment['amount']}, due {expected}")
        return {"error": "amount mismatch"}, 409

    db.update_document_fields('orders', order['id'], {'status': 'paid', 'paid_at': datetime.now().isoformat()})
    db.create_document('payment_logs', {'order_id': order['id'], 'amount': payment['amount'], 'provider_id': payment['id']})
    return {"status": "paid", "order_id": order['id']}
