# The smallest cloud function: greets the caller by name.
def main():
    name = request.get('name', 'world')
    return {"message": f"Hello {name}!"}
