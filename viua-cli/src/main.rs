fn main() { println!("viua"); }
