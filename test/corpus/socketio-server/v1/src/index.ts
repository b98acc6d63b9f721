import { createServer } from 'http';
import { Server } from 'socket.io';
import { Room } from './room';
// A named import from a CommonJS package whose exports Node's detection cannot list (`module.exports = fn` with getters on it).
import { json } from 'body-parser';

const httpServer = createServer();
export const io = new Server(httpServer);
const room = new Room('lobby');

io.on('connection', (socket) => {
  socket.on('hit', (ack: (n: number | string) => void) => ack(String(room.join(socket.id))));
  socket.on('count', (ack: (n: string) => void) => ack(String(room.size)));
  socket.on('answer', (ack: (text: string) => void) => ack(room.describe()));
});

console.log('socket.io server for', room.name, typeof __dirname, typeof json);
httpServer.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
