/** A mutation the world refuses; `status` is the HTTP status a flavour should answer with. */
export class WorldError extends Error {
  constructor(readonly status: 400 | 404 | 409, message: string) {
    super(message)
    this.name = 'WorldError'
  }
}
